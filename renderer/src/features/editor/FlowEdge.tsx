/**
 * A connection on the editor canvas: React Flow's bezier edge whose label (the reference's
 * `output → field`) is drawn only from a readable zoom. Zoomed out over a big DAG the labels
 * are specks, yet each one is measured (getBBox) and painted: on 1,879 edges they cost more
 * than the nodes. The zoom selector answers a boolean, so an edge re-renders only when the
 * view crosses the threshold, not on every pan or zoom step.
 */
import { BaseEdge, getBezierPath, useStore, type Edge, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { memo } from 'react';

/** Below this zoom an 11 px label is under 7 px on screen. */
export const LABEL_ZOOM = 0.6;
const readable = (s: ReactFlowState): boolean => s.transform[2] >= LABEL_ZOOM;

export const FlowEdge = memo(function FlowEdge(p: EdgeProps<Edge>) {
  const [path, labelX, labelY] = getBezierPath(p);
  const showLabel = useStore(readable);
  return <BaseEdge path={path} labelX={labelX} labelY={labelY} label={showLabel ? p.label : undefined} style={p.style} markerEnd={p.markerEnd} markerStart={p.markerStart} interactionWidth={p.interactionWidth} />;
});
