interface SparklineProps {
  values: readonly number[];
  /** Read by screen readers (and shown as the tooltip). */
  label: string;
}

const WIDTH = 96;
const HEIGHT = 24;

/** A trend as bars, the tallest filling the height: when a problem happens, at a glance. */
export function Sparkline({ values, label }: SparklineProps) {
  const max = Math.max(1, ...values);
  const step = WIDTH / Math.max(1, values.length);
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img">
      <title>{label}</title>
      {values.map((v, i) => {
        const h = v === 0 ? 0 : Math.max(2, (v / max) * HEIGHT);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the bars are positions in time, fixed for a given range.
          <rect key={i} x={i * step} y={HEIGHT - h} width={Math.max(1, step - 1)} height={h} rx={1} />
        );
      })}
    </svg>
  );
}
