export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

interface SegmentedProps<T extends string> {
  /** Read by screen readers only. */
  legend: string;
  options: ReadonlyArray<SegmentedOption<T>>;
  /** The pressed option; none when it matches no option. */
  value: T | null;
  onChange: (value: T) => void;
  small?: boolean;
}

/** A row of toggle buttons, one pressed: time ranges, filters, modes. */
export function Segmented<T extends string>({ legend, options, value, onChange, small }: SegmentedProps<T>) {
  return (
    <fieldset className={small ? 'segmented segmented-small' : 'segmented'}>
      <legend className="sr-only">{legend}</legend>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          className={value === option.value ? 'active' : ''}
          aria-pressed={value === option.value}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}
