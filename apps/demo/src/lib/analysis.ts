import type { AnalysisLine, AnalysisResult, AnalysisStep } from '@sightline/schema';

/** The analysis on the wire is declared once, in @sightline/schema (demo-analysis.ts). */
export type { AnalysisLine, AnalysisResult, AnalysisStep };

export interface UploadAnswer {
  upload_id: string;
  name: string;
  size: number;
  sha256: string;
  format: string;
}

/** Runs the analysis and hands each line to `onLine` as it arrives; resolves with the result. */
export async function runAnalysis(
  uploadId: string,
  onLine: (line: AnalysisLine) => void,
): Promise<AnalysisResult> {
  const res = await fetch(`${import.meta.env.BASE_URL}api/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upload_id: uploadId }),
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `the analysis answered ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as AnalysisLine;
      buffered = buffered.slice(newline + 1);
      onLine(line);
      if (line.type === 'result') return line.analysis;
      if (line.type === 'error') throw new Error(line.message);
      newline = buffered.indexOf('\n');
    }
    if (done) throw new Error('the analysis ended without a result');
  }
}

/** A readable message for a failed upload (the SDK reports `upload http_413`, `upload network_error`, …). */
export function uploadErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes('http_413')) return 'The server refused the video: it is over the 200 MB limit.';
  if (text.includes('http_415'))
    return 'The server could not read this file as a video. Try an MP4, MOV, WebM, MKV or AVI file.';
  if (text.includes('aborted')) return 'Upload cancelled.';
  if (text.includes('network_error'))
    return 'The connection dropped during the upload. Check your network and try again.';
  if (text.includes('timeout')) return 'The upload timed out. Try again, ideally on a faster connection.';
  return `The upload failed (${text.replace(/^upload /, '')}). Try again.`;
}
