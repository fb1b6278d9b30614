import { useSightline, useTrack, useUserJourney } from '@sightline/react';
import type { UploadHandle } from '@sightline/sdk';
import { useCallback, useRef, useState } from 'react';
import {
  type AnalysisResult,
  type AnalysisStep,
  runAnalysis,
  type UploadAnswer,
  uploadErrorMessage,
} from './analysis';
import { checkVideoFile, type VideoFormat } from './video-file';

export type Phase = 'idle' | 'checking' | 'selected' | 'uploading' | 'analysing' | 'done' | 'error';
export type StepState = 'pending' | 'running' | 'done';

export interface FlowState {
  phase: Phase;
  file: File | null;
  format: VideoFormat | null;
  error: string | null;
  /** Bytes the browser reports sent, and the request's total. */
  loaded: number;
  total: number;
  upload: UploadAnswer | null;
  steps: Record<AnalysisStep, StepState>;
  stepLabels: Partial<Record<AnalysisStep, string>>;
  checksumPercent: number;
  result: AnalysisResult | null;
}

const INITIAL: FlowState = {
  phase: 'idle',
  file: null,
  format: null,
  error: null,
  loaded: 0,
  total: 0,
  upload: null,
  steps: { container: 'pending', metadata: 'pending', checksum: 'pending' },
  stepLabels: {},
  checksumPercent: 0,
  result: null,
};

const ORDER: AnalysisStep[] = ['container', 'metadata', 'checksum'];

/**
 * The demo's one flow, instrumented: journey `video_upload` (file_selected → upload_started →
 * upload_complete) over the SDK's real XHR upload, then journey `video_analysis`
 * (analysis_started → analysis_complete) over the server's streamed analysis.
 */
export function useVideoFlow() {
  const client = useSightline();
  const track = useTrack();
  const uploadJourney = useUserJourney('video_upload');
  const analysisJourney = useUserJourney('video_analysis');
  const [state, setState] = useState<FlowState>(INITIAL);
  const handle = useRef<UploadHandle | null>(null);
  const patch = useCallback((p: Partial<FlowState>) => setState((s) => ({ ...s, ...p })), []);

  const selectFile = useCallback(
    async (file: File | undefined) => {
      if (!file) return;
      setState({ ...INITIAL, phase: 'checking', file });
      const check = await checkVideoFile(file);
      const props = { file_size: file.size, file_type: file.type, file_name: file.name.slice(0, 20) };
      if (!check.ok) {
        track('file_rejected', { ...props, reason: check.reason });
        patch({ phase: 'error', error: check.message });
        return;
      }
      track('file_selected', { ...props, format: check.format });
      uploadJourney.startJourney('file_selected', { file_type: file.type, file_size: file.size });
      patch({ phase: 'selected', format: check.format });
    },
    [track, patch, uploadJourney],
  );

  const analyse = useCallback(
    async (upload: UploadAnswer) => {
      patch({ phase: 'analysing' });
      analysisJourney.startJourney('analysis_started', { upload_id: upload.upload_id });
      track('analysis_started', {
        upload_id: upload.upload_id,
        format: upload.format,
        file_size: upload.size,
      });
      try {
        const result = await runAnalysis(upload.upload_id, (line) => {
          if (line.type === 'step')
            setState((s) => {
              const steps = { ...s.steps };
              // A new step starts: the ones before it are done.
              for (const step of ORDER.slice(0, ORDER.indexOf(line.step))) steps[step] = 'done';
              steps[line.step] = 'running';
              return { ...s, steps, stepLabels: { ...s.stepLabels, [line.step]: line.label } };
            });
          if (line.type === 'progress') patch({ checksumPercent: line.percent });
        });
        patch({
          phase: 'done',
          result,
          checksumPercent: 100,
          steps: { container: 'done', metadata: 'done', checksum: 'done' },
        });
        track('analysis_complete', {
          upload_id: upload.upload_id,
          format: result.format,
          duration_s: result.duration_s,
          width: result.width,
          height: result.height,
          video_codec: result.video_codec,
          checksum_verified: result.checksum_verified,
          analysis_ms: result.analysis_ms,
        });
        analysisJourney.moveToStep('analysis_complete');
        analysisJourney.completeJourney({ final_state: 'success' });
      } catch (error) {
        const message = (error as Error).message;
        track('error', { message: `analysis failed: ${message}`, source: 'analysis' });
        analysisJourney.abandonJourney('analysis_error', { error_message: message });
        patch({ phase: 'error', error: `The analysis failed: ${message}. Upload the video again to retry.` });
      }
    },
    [analysisJourney, patch, track],
  );

  const startUpload = useCallback(async () => {
    const file = state.file;
    if (!file || state.phase !== 'selected') return;
    patch({ phase: 'uploading', loaded: 0, total: file.size, error: null });
    uploadJourney.moveToStep('upload_started');
    const upload = client.upload(file, {
      url: `${import.meta.env.BASE_URL}api/upload`,
      fieldName: 'file',
      // file_selected was tracked when the file was picked.
      fileSelected: false,
      onProgress: (loaded, total) => patch({ loaded, total }),
    });
    handle.current = upload;
    try {
      const { responseText } = await upload.result;
      const answer = JSON.parse(responseText) as UploadAnswer;
      uploadJourney.moveToStep('upload_complete', { upload_id: answer.upload_id });
      uploadJourney.completeJourney({ final_state: 'uploaded' });
      patch({ upload: answer });
      await analyse(answer);
    } catch (error) {
      const message = uploadErrorMessage(error);
      const cancelled = message === 'Upload cancelled.';
      uploadJourney.abandonJourney(cancelled ? 'upload_cancelled' : 'upload_error', {
        error_message: message,
      });
      patch({ phase: cancelled ? 'selected' : 'error', error: cancelled ? null : message, loaded: 0 });
      if (cancelled)
        uploadJourney.startJourney('file_selected', { file_type: file.type, file_size: file.size });
    } finally {
      handle.current = null;
    }
  }, [state.file, state.phase, client, patch, uploadJourney, analyse]);

  const cancel = useCallback(() => handle.current?.abort(), []);
  const reset = useCallback(() => setState(INITIAL), []);

  return { state, selectFile, startUpload, cancel, reset };
}
