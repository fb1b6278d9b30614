// UUIDv7 (RFC 9562): 48-bit ms timestamp, version, 12-bit counter, variant, 62 random bits.
// The counter (method 1 of the RFC) keeps ids monotonic within one millisecond and when the clock steps back.

const MAX_COUNTER = 0xfff;
let lastMs = -1;
let counter = 0;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

export function uuidv7(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint32Array(3)) as Uint32Array & [number, number, number];
  if (now > lastMs) {
    lastMs = now;
    // Start low in the counter space so many ids can follow in the same millisecond.
    counter = random[0] & 0x1ff;
  } else if (++counter > MAX_COUNTER) {
    lastMs++;
    counter = 0;
  }
  const ms = hex(lastMs, 12);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${hex(counter, 3)}-${hex(0x8000 | (random[1] & 0x3fff), 4)}-${hex(random[1] >>> 16, 4)}${hex(random[2], 8)}`;
}
