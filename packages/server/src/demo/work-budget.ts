/**
 * A cap on the work one uploaded file may cost the container readers. Anyone who reaches the demo
 * can upload, so a file is trusted for nothing: each box or element visited and each read is
 * charged here, and past the cap the analysis stops with a "too complex" error instead of running
 * on. Real videos stay far below these numbers.
 */
export interface AnalysisLimits {
  /** Boxes (MP4/MOV) or elements (WebM/Matroska) visited, all levels and passes together. */
  maxElements: number;
  /** Bytes read to find the metadata (the checksum pass reads the whole file and is not counted). */
  maxBytes: number;
}

/**
 * A recording's header holds tens of elements and its last cluster a few hundred blocks; a
 * fragmented MP4 has its `moov` right after `ftyp`. 100,000 visits are a few milliseconds of work
 * and leave room for odd but honest files.
 */
export const DEFAULT_MAX_ELEMENTS = 100_000;
/** The largest honest read is a 16 MB `moov` (MAX_MOOV_BYTES); WebM reads 4 MB of header and 2 MB of tail. */
export const DEFAULT_MAX_METADATA_BYTES = 32 * 1024 * 1024;
/**
 * Each read costs at least this much of the byte budget: a read's fixed cost (a trip through the
 * thread pool) is worth about that many bytes, so thousands of tiny reads are refused too.
 */
export const MIN_READ_COST_BYTES = 64 * 1024;

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = {
  maxElements: DEFAULT_MAX_ELEMENTS,
  maxBytes: DEFAULT_MAX_METADATA_BYTES,
};

/** The file needs more work than the budget allows; the message completes "its container …". */
export class TooComplexError extends Error {
  override readonly name = 'TooComplexError';
}

const mebibytes = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(2)).toString();

export class WorkBudget {
  private elements = 0;
  private bytes = 0;

  constructor(private readonly limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS) {}

  /** Boxes or elements visited so far. */
  get visited(): number {
    return this.elements;
  }

  /** Charges one box or element; throws past the cap. */
  visit(): void {
    if (++this.elements > this.limits.maxElements)
      throw new TooComplexError(
        `has more than ${this.limits.maxElements.toLocaleString('en-US')} boxes or elements`,
      );
  }

  /** Charges a read of `length` bytes before it is made; throws past the cap. */
  read(length: number): void {
    this.bytes += Math.max(length, MIN_READ_COST_BYTES);
    if (this.bytes > this.limits.maxBytes)
      throw new TooComplexError(
        `needs more than ${mebibytes(this.limits.maxBytes)} MB of reads to find its metadata`,
      );
  }
}
