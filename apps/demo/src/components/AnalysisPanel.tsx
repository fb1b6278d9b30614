import type { AnalysisStep } from '../lib/analysis';
import type { FlowState } from '../lib/use-video-flow';
import { ProgressBar } from './ProgressBar';

const DEFAULT_LABELS: Record<AnalysisStep, string> = {
  container: 'Reading the container',
  metadata: 'Reading duration, size and codecs',
  checksum: 'Verifying every byte (SHA-256)',
};
const MARK = { pending: '○', running: '◐', done: '✓' } as const;

/** Step 3 while it runs: the server's own steps, as it reports them, and its read-back progress. */
export function AnalysisPanel({ state }: { state: FlowState }) {
  return (
    <ol className="steps" aria-label="Analysis steps" data-testid="analysis-steps">
      {(Object.keys(DEFAULT_LABELS) as AnalysisStep[]).map((step) => (
        <li key={step} className={`steps__item steps__item--${state.steps[step]}`}>
          <span className="steps__mark" aria-hidden="true">
            {MARK[state.steps[step]]}
          </span>
          <span className="steps__label">{state.stepLabels[step] ?? DEFAULT_LABELS[step]}</span>
          {step === 'checksum' && state.steps.checksum !== 'pending' && (
            <span className="steps__bar">
              <ProgressBar label="Verification progress" percent={state.checksumPercent} />
              <small>{state.checksumPercent}%</small>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
