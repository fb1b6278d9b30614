import type { ProcessorBatch } from '../storage/processor-records.js';
import type { BatchOutputs } from './outputs.js';

/** The engine's view of a batch's outputs. */
export function toProcessorBatch(checkpoint: number, out: BatchOutputs): ProcessorBatch {
  return {
    checkpoint,
    journeys: [...out.journeys.values()],
    insights: out.insights,
    interventions: out.interventions,
    feedback: out.feedback,
    friction: [...out.friction.values()],
  };
}
