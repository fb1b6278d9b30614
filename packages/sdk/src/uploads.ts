import { uuidv7 } from './core/uuid.js';
import type { Properties } from './types.js';

/** `upload_progress` is reported each time the upload crosses another multiple of this. */
export const UPLOAD_PROGRESS_STEP_PERCENT = 10;
export const FILE_NAME_MAX_LENGTH = 20;

export interface UploadOptions {
  url: string;
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  /** Send multipart/form-data with the file under this field (plus `fields`); otherwise the raw file. */
  fieldName?: string;
  fields?: Record<string, string>;
  withCredentials?: boolean;
  /** Added to every upload event. */
  properties?: Properties;
  /** Emit `file_selected` first (default true); turn off when it was tracked at selection time. */
  fileSelected?: boolean;
  /** Every progress event of the browser, for progress bars. */
  onProgress?(loaded: number, total: number): void;
}

export interface UploadResult {
  status: number;
  responseText: string;
  /** ms from start to the server's answer. */
  duration: number;
}

export interface UploadHandle {
  /** Resolves on a 2xx answer; rejects on network errors, timeouts, aborts and other statuses. */
  result: Promise<UploadResult>;
  abort(): void;
}

type Track = (event: string, properties: Properties) => void;

/** `file_selected` with file_size, file_type and file_name (truncated for privacy). */
export const fileProperties = (file: Blob) => ({
  file_size: file.size,
  file_type: file.type,
  file_name: (file as File).name?.slice(0, FILE_NAME_MAX_LENGTH),
});

/**
 * Uploads with XMLHttpRequest and reports the browser's real progress: file_selected, upload_started,
 * upload_progress (each 10 %: progress_percent, elapsed_time, estimated_remaining, bytes_loaded, bytes_total),
 * then upload_complete (upload_duration, status) or upload_failed (error, status).
 */
export function upload(track: Track, file: Blob, options: UploadOptions): UploadHandle {
  const xhr = new XMLHttpRequest();
  const extra = { upload_id: uuidv7(), ...options.properties };
  const emit = (event: string, properties: Properties) => track(event, { ...properties, ...extra });
  const started = Date.now();
  let reportedStep = 0;

  const result = new Promise<UploadResult>((resolve, reject) => {
    const fail = (error: string) => {
      emit('upload_failed', { error, status: xhr.status, upload_duration: Date.now() - started });
      reject(new Error(`upload ${error}`));
    };
    xhr.upload.onprogress = (event) => {
      if (!event.lengthComputable || !event.total) return;
      options.onProgress?.(event.loaded, event.total);
      const percent = Math.floor((event.loaded / event.total) * 100);
      const step = Math.floor(percent / UPLOAD_PROGRESS_STEP_PERCENT);
      if (step <= reportedStep) return;
      reportedStep = step;
      const elapsed = Date.now() - started;
      emit('upload_progress', {
        progress_percent: percent,
        elapsed_time: elapsed,
        estimated_remaining: event.loaded
          ? Math.round((elapsed * (event.total - event.loaded)) / event.loaded)
          : 0,
        bytes_loaded: event.loaded,
        bytes_total: event.total,
      });
    };
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status > 299) return fail(`http_${xhr.status}`);
      const duration = Date.now() - started;
      emit('upload_complete', { upload_duration: duration, status: xhr.status });
      resolve({ status: xhr.status, responseText: xhr.responseText, duration });
    };
    xhr.onerror = () => fail('network_error');
    xhr.ontimeout = () => fail('timeout');
    xhr.onabort = () => fail('aborted');
  });

  let body: Blob | FormData = file;
  if (options.fieldName) {
    body = new FormData();
    for (const [name, value] of Object.entries(options.fields ?? {})) body.append(name, value);
    body.append(options.fieldName, file);
  }
  xhr.open(options.method ?? 'POST', options.url);
  xhr.withCredentials = !!options.withCredentials;
  for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
  if (options.fileSelected !== false) emit('file_selected', fileProperties(file));
  emit('upload_started', fileProperties(file));
  xhr.send(body);
  return { result, abort: () => xhr.abort() };
}
