import { PRESETS, type Preset, rangeFromParams } from '../time-range';
import { useUrlParams } from '../url-state';
import { Segmented, type SegmentedOption } from './segmented';

/** `<input type="datetime-local">` speaks local wall-clock time without a zone. */
const toLocalInput = (ms: number): string => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): number => new Date(value).getTime();

const OPTIONS: ReadonlyArray<SegmentedOption<Preset | 'custom'>> = [
  ...PRESETS,
  { value: 'custom', label: 'Custom' },
];

/** The time range of every view: presets, or a custom from–to (kept in the URL). */
export function RangePicker() {
  const [params, setParams] = useUrlParams();
  const range = rangeFromParams(params);
  const custom = params.get('range') === 'custom';
  const now = Date.now();
  const from = typeof range === 'string' ? now - 86_400_000 : range.from;
  const to = typeof range === 'string' ? now : range.to;

  return (
    <div className="range-picker">
      <Segmented
        legend="Time range"
        options={OPTIONS}
        value={custom ? 'custom' : typeof range === 'string' ? range : null}
        onChange={(value) =>
          value === 'custom'
            ? setParams({ range: 'custom', from: String(from), to: String(to) })
            : setParams({ range: value, from: null, to: null })
        }
      />
      {custom ? (
        <div className="custom-range">
          <label>
            <span className="sr-only">From</span>
            <input
              type="datetime-local"
              value={toLocalInput(from)}
              onChange={(e) => {
                const ms = fromLocalInput(e.target.value);
                if (Number.isFinite(ms) && ms < to) setParams({ from: String(ms) }, true);
              }}
            />
          </label>
          <span aria-hidden="true">–</span>
          <label>
            <span className="sr-only">To</span>
            <input
              type="datetime-local"
              value={toLocalInput(to)}
              onChange={(e) => {
                const ms = fromLocalInput(e.target.value);
                if (Number.isFinite(ms) && ms > from) setParams({ to: String(ms) }, true);
              }}
            />
          </label>
        </div>
      ) : null}
    </div>
  );
}
