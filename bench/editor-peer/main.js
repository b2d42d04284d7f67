// The editor benchmark's peer: the same nodes and edges in a bare @xyflow/react canvas with
// default nodes and no application logic (no store, no YAML, no checks). Plain JS so it needs
// neither JSX nor the DOM typings of the kernel's TypeScript project.
import { createElement as h, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ReactFlow, applyNodeChanges } from '@xyflow/react';
import '@xyflow/react/dist/style.css';

function Peer({ graph }) {
  const [nodes, setNodes] = useState(graph.nodes);
  const onNodesChange = useCallback((changes) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  return h(ReactFlow, { nodes, edges: graph.edges, onNodesChange, fitView: true, fitViewOptions: { padding: 0.25, maxZoom: 1.1 }, minZoom: 0.1 });
}

const graph = await (await fetch('./graph.json')).json();
createRoot(document.getElementById('root')).render(h('div', { style: { width: '100%', height: '100%' } }, h(Peer, { graph })));
