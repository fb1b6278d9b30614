/**
 * Small but structurally real video containers, built byte by byte in the test (no binary is
 * committed): an MP4 whose `moov` comes after its `mdat`, and a WebM with Info and Tracks.
 */

const box = (type: string, ...payload: Buffer[]): Buffer => {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const zeros = (n: number) => Buffer.alloc(n);
const versionFlags = zeros(4);

function track(handler: 'vide' | 'soun', codec: string, width: number, height: number): Buffer {
  const tkhd = box(
    'tkhd',
    versionFlags,
    zeros(4 * 5 + 8 + 2 * 4 + 36),
    u32(width * 65536),
    u32(height * 65536),
  );
  const hdlr = box(
    'hdlr',
    versionFlags,
    zeros(4),
    Buffer.from(handler, 'latin1'),
    zeros(12),
    Buffer.from('h\0'),
  );
  const stsd = box('stsd', versionFlags, u32(1), box(codec, zeros(78)));
  const minf = box('minf', box('stbl', stsd));
  return box('trak', tkhd, box('mdia', hdlr, minf));
}

const ftypBox = () =>
  box('ftyp', Buffer.from('isom', 'latin1'), u32(512), Buffer.from('isomiso2avc1mp41', 'latin1'));

/** A `moov` with an H.264 video track and an AAC audio track. */
function moovBox(opts: { durationS: number; width: number; height: number }): Buffer {
  const timescale = 1000;
  const mvhd = box(
    'mvhd',
    versionFlags,
    zeros(8),
    u32(timescale),
    u32(opts.durationS * timescale),
    zeros(80),
  );
  return box('moov', mvhd, track('vide', 'avc1', opts.width, opts.height), track('soun', 'mp4a', 0, 0));
}

export function buildMp4(opts: {
  durationS: number;
  width: number;
  height: number;
  mdatBytes: number;
}): Buffer {
  const mdat = box('mdat', Buffer.alloc(opts.mdatBytes, 0x5a));
  return Buffer.concat([ftypBox(), mdat, moovBox(opts)]);
}

const ebml = (id: number, payload: Buffer, unknownSize = false): Buffer => {
  const idBytes = Buffer.from(
    id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'),
    'hex',
  );
  const size = Buffer.alloc(8);
  if (unknownSize) size.fill(0xff, 1);
  else size.writeUIntBE(payload.length, 2, 6);
  size[0] = 0x01;
  return Buffer.concat([idBytes, size, payload]);
};
const uintBytes = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/**
 * `frames` frames 40 ms apart (25 per cluster, each a SimpleBlock of `frameBytes`). Without
 * `durationS` the Info has no Duration, as in Chromium's MediaRecorder files.
 */
export function buildWebm(opts: {
  durationS?: number;
  width: number;
  height: number;
  frames: number;
  frameBytes: number;
  /** The track's CodecID bytes (default `V_VP9`). */
  codecId?: Buffer;
}): Buffer {
  const infoChildren = [ebml(0x2ad7b1, uintBytes(1_000_000))];
  if (opts.durationS !== undefined) {
    const duration = Buffer.alloc(8);
    duration.writeDoubleBE(opts.durationS * 1000);
    infoChildren.push(ebml(0x4489, duration));
  }
  const header = ebml(
    0x1a45dfa3,
    Buffer.concat([ebml(0x4286, Buffer.from([1])), ebml(0x4282, Buffer.from('webm'))]),
  );
  const info = ebml(0x1549a966, Buffer.concat(infoChildren));
  const video = ebml(
    0xe0,
    Buffer.concat([ebml(0xb0, uintBytes(opts.width)), ebml(0xba, uintBytes(opts.height))]),
  );
  const entry = ebml(
    0xae,
    Buffer.concat([
      ebml(0xd7, Buffer.from([1])),
      ebml(0x83, Buffer.from([1])),
      ebml(0x86, opts.codecId ?? Buffer.from('V_VP9')),
      video,
    ]),
  );
  const tracks = ebml(0x1654ae6b, entry);
  const clusters: Buffer[] = [];
  for (let first = 0; first < opts.frames; first += 25) {
    const blocks = [ebml(0xe7, uintBytes(first * 40))];
    for (let f = first; f < Math.min(opts.frames, first + 25); f++) {
      const block = Buffer.alloc(4 + opts.frameBytes, 0x11);
      block[0] = 0x81; // track 1
      block.writeInt16BE((f - first) * 40, 1);
      block[3] = 0x80; // keyframe
      blocks.push(ebml(0xa3, block));
    }
    clusters.push(ebml(0x1f43b675, Buffer.concat(blocks)));
  }
  return Buffer.concat([header, ebml(0x18538067, Buffer.concat([info, tracks, ...clusters]), true)]);
}

/**
 * A hostile WebM (~140 KB): a valid header, then `markers` cluster IDs of unknown size, each
 * hidden in a Void element, and none followed by a Timecode. Looking for the last cluster from
 * the end, each marker parses as a cluster whose children (the Voids) run to the end of the file.
 */
export function buildClusterMarkerWebm(markers = 20_000): Buffer {
  const head = buildWebm({ width: 2, height: 2, frames: 0, frameBytes: 0 });
  // Void (0xEC) of 5 bytes holding the Cluster ID and a one-byte unknown size (0xFF).
  const unit = Buffer.from([0xec, 0x85, 0x1f, 0x43, 0xb6, 0x75, 0xff]);
  return Buffer.concat([head, ...Array.from({ length: markers }, () => unit)]);
}

/** A WebM whose Segment starts with `voids` empty Void elements (2 bytes each) before its Info. */
export function buildVoidFloodWebm(voids: number): Buffer {
  const honest = buildWebm({ durationS: 1, width: 2, height: 2, frames: 1, frameBytes: 1 });
  // The Segment's payload starts after its ID (4 bytes) and 8-byte unknown size: EBML header first.
  const segmentAt = honest.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]));
  const payloadAt = segmentAt + 4 + 8;
  const flood = Buffer.alloc(voids * 2);
  for (let i = 0; i < flood.length; i += 2) flood.writeUInt16BE(0xec80, i);
  return Buffer.concat([honest.subarray(0, payloadAt), flood, honest.subarray(payloadAt)]);
}

/**
 * An MP4 of `ftyp`, then `boxes` empty 8-byte `free` boxes (800 KB of them by default, no `moov`:
 * the hostile case), then optionally a real `moov` (2 s, 16×16).
 */
export function buildTinyBoxMp4(opts: { boxes?: number; withMoov?: boolean } = {}): Buffer {
  const boxes = opts.boxes ?? (800 * 1024) / 8;
  const free = box('free');
  const parts = [ftypBox(), ...Array.from({ length: boxes }, () => free)];
  if (opts.withMoov) parts.push(moovBox({ durationS: 2, width: 16, height: 16 }));
  return Buffer.concat(parts);
}
