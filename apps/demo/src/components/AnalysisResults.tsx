import type { AnalysisResult } from '../lib/analysis';
import { formatSize } from '../lib/video-file';

const seconds = (s: number) => {
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return m > 0 ? `${m} min ${rest.toFixed(1)} s` : `${rest.toFixed(2)} s`;
};
const unknown = 'not stated in the file';

/** Step 4: what the server read from the uploaded bytes. */
export function AnalysisResults({ result }: { result: AnalysisResult }) {
  const rows: Array<[string, string]> = [
    ['Format', `${result.format_name}${result.brand ? ` (${result.brand})` : ''}`],
    [
      'Duration',
      result.duration_s === null
        ? unknown
        : `${seconds(result.duration_s)}${result.duration_from_last_frame ? ' (to the last frame; the file states none)' : ''}`,
    ],
    ['Resolution', result.width && result.height ? `${result.width} × ${result.height}` : unknown],
    ['Video codec', result.video_codec ?? unknown],
    ['Audio codec', result.audio_codec ?? 'none'],
    ['Size', formatSize(result.size)],
    ['Bitrate', result.bitrate ? `${(result.bitrate / 1000).toFixed(0)} kbit/s` : unknown],
    ['SHA-256', `${result.sha256.slice(0, 16)}…${result.checksum_verified ? ' ✓ verified' : ' ✗ mismatch'}`],
    ['Analysis time', `${result.analysis_ms} ms`],
  ];
  return (
    <dl className="results" data-testid="analysis-results">
      {rows.map(([term, value]) => (
        <div key={term} className="results__row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
