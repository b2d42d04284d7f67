/**
 * Layered DAG layout: each step sits in the layer of its longest dependency path (roots in
 * layer 0), and within a layer steps are ordered by the mean position of their dependencies
 * (one barycenter pass) so edges cross less. Deps outside the node set are ignored; a cycle
 * cannot occur in a validated plan, but is broken rather than looping forever.
 */
export interface LayoutNode {
  id: string;
  deps: readonly string[];
}

export interface Placed {
  id: string;
  layer: number;
  order: number;
  x: number;
  y: number;
}

export function longestPathLayers(nodes: readonly LayoutNode[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let l = 0;
    for (const d of byId.get(id)?.deps ?? []) if (byId.has(d) && d !== id) l = Math.max(l, visit(d) + 1);
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  for (const n of nodes) visit(n.id);
  return layer;
}

export function layoutDag(nodes: readonly LayoutNode[], spacing = { x: 260, y: 110 }): Placed[] {
  const layers = longestPathLayers(nodes);
  const byLayer: LayoutNode[][] = [];
  for (const n of nodes) (byLayer[layers.get(n.id) ?? 0] ??= []).push(n);
  const order = new Map<string, number>();
  const placed: Placed[] = [];
  const tallest = Math.max(1, ...byLayer.map((l) => l?.length ?? 0));
  byLayer.forEach((members, l) => {
    if (!members) return;
    const key = (n: LayoutNode): number => {
      const ps = n.deps.map((d) => order.get(d)).filter((v): v is number => v !== undefined);
      return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : Number.POSITIVE_INFINITY;
    };
    const sorted = [...members].sort((a, b) => key(a) - key(b) || a.id.localeCompare(b.id));
    const offset = (tallest - sorted.length) / 2;
    sorted.forEach((n, i) => {
      order.set(n.id, i + offset);
      placed.push({ id: n.id, layer: l, order: i, x: l * spacing.x, y: (i + offset) * spacing.y });
    });
  });
  return placed;
}
