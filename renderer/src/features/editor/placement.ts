/**
 * Where each step is drawn: its saved position, else where the auto-layout put it. The dagre
 * layout of a 1,000-step file takes 0.5–1.5 s, so it runs once per opened file and is kept:
 * an edit of a file without saved positions reuses it, and a step added later without a
 * position is placed on its own (right of the steps it depends on) instead of laying out
 * everything again — which would also move the steps the user already saw.
 */
import { freeSpot, NODE_H, NODE_W } from './canvas-model';
import { autoLayout } from './model/layout';
import type { EditorGraph, Position } from './model/types';

/** More new steps without a position than this at once (a pasted block): lay out everything again. */
const FEW = 8;
const GAP_X = 80;
const GAP_Y = 24;

export class Placement {
  private session = -1;
  private auto: Record<string, Position> = {};
  private last: { graph: EditorGraph; pos: Record<string, Position> } | null = null;

  /**
   * Positions of every step of `graph`; `session` changes when another file is opened (its
   * steps must not inherit the previous file's layout). Same graph object → same result object.
   * @example placement.positions(graph, state.session)['train'] // { x: 380, y: 40 }
   */
  positions(graph: EditorGraph, session: number): Record<string, Position> {
    if (session !== this.session) {
      this.session = session;
      this.auto = {};
      this.last = null;
    }
    if (this.last?.graph === graph) return this.last.pos;
    const missing = graph.steps.filter((s) => !graph.positions[s.key]);
    let pos = graph.positions;
    if (missing.length) {
      if (this.last) this.keepRenamed(this.last.graph, graph);
      const unknown = missing.filter((s) => !this.auto[s.key]);
      if (unknown.length > FEW || (unknown.length && !Object.keys(this.auto).length)) this.auto = autoLayout(graph);
      else if (unknown.length) this.placeNew(graph, unknown.map((s) => s.key));
      pos = { ...graph.positions };
      for (const s of missing) pos[s.key] = this.auto[s.key]!;
    }
    this.last = { graph, pos };
    return pos;
  }

  /** A renamed step keeps its key's place in the file's order: it keeps its place on the canvas too. */
  private keepRenamed(before: EditorGraph, now: EditorGraph): void {
    if (before.steps.length !== now.steps.length) return;
    now.steps.forEach((s, i) => {
      const was = before.steps[i]!.key;
      if (was !== s.key && !this.auto[s.key] && this.auto[was]) this.auto[s.key] = this.auto[was]!;
    });
  }

  /** Right of the steps each new one depends on (else right of everything), below any step already there. */
  private placeNew(graph: EditorGraph, keys: string[]): void {
    // Only the file's steps now: a removed step's old spot is free again.
    const placed: Record<string, Position> = {};
    for (const s of graph.steps) {
      const at = graph.positions[s.key] ?? this.auto[s.key];
      if (at) placed[s.key] = at;
    }
    for (const key of keys) {
      const from = graph.edges.filter((e) => e.target === key && e.source !== key && placed[e.source]).map((e) => placed[e.source]!);
      const at = from.length ? { x: Math.max(...from.map((p) => p.x)) + NODE_W + GAP_X, y: Math.min(...from.map((p) => p.y)) } : freeSpot(placed);
      const taken = Object.values(placed).filter((p) => Math.abs(p.x - at.x) < NODE_W);
      while (taken.some((p) => Math.abs(p.y - at.y) < NODE_H + GAP_Y)) at.y += NODE_H + GAP_Y;
      placed[key] = at;
      this.auto[key] = at;
    }
  }
}

/** The one placement the canvas and the palette share, so a click adds a step where the canvas shows the others. */
export const placement = new Placement();
