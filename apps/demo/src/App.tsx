import { TrackingWrapper } from '@sightline/react';
import { AnalysisPanel } from './components/AnalysisPanel';
import { AnalysisResults } from './components/AnalysisResults';
import { FilePicker } from './components/FilePicker';
import { InterventionBanner } from './components/InterventionBanner';
import { ProgressBar } from './components/ProgressBar';
import { useVideoFlow } from './lib/use-video-flow';
import { formatSize } from './lib/video-file';

/** The demo's video analysis app: pick a video, upload it, see what is in it. */
export function App() {
  const { state, selectFile, startUpload, cancel, reset } = useVideoFlow();
  const busy = state.phase === 'uploading' || state.phase === 'analysing' || state.phase === 'checking';
  const percent = state.total ? (state.loaded / state.total) * 100 : 0;

  return (
    <TrackingWrapper {...(state.upload ? { videoId: state.upload.upload_id } : {})}>
      <main className="page">
        <header className="header">
          <h1 data-testid="title">Video analysis</h1>
          <p>Upload a video and we read its format, length, resolution and codecs, then verify every byte.</p>
        </header>

        <InterventionBanner />

        <section className="card" aria-labelledby="step-file">
          <h2 id="step-file">1. Choose a video</h2>
          <FilePicker file={state.file} disabled={busy} onFile={selectFile} />
          {state.error && (
            <p className="alert" role="alert" data-testid="error">
              {state.error}
            </p>
          )}
        </section>

        <section className="card" aria-labelledby="step-upload">
          <h2 id="step-upload">2. Upload</h2>
          {state.phase === 'uploading' ? (
            <div className="upload" data-testid="upload-progress">
              <ProgressBar label="Upload progress" percent={percent} />
              <p className="muted">
                Uploading… {Math.floor(percent)}% ({formatSize(state.loaded)} of {formatSize(state.total)})
              </p>
              <button type="button" className="btn btn--ghost" onClick={cancel}>
                Cancel upload
              </button>
            </div>
          ) : state.upload ? (
            <p className="muted">Uploaded {formatSize(state.upload.size)} ✓</p>
          ) : (
            <button
              type="button"
              className="btn btn--primary"
              id="upload-button"
              data-testid="upload-button"
              disabled={state.phase !== 'selected'}
              onClick={startUpload}
            >
              Upload and analyse
            </button>
          )}
        </section>

        <section className="card" aria-labelledby="step-analysis">
          <h2 id="step-analysis">3. Analysis</h2>
          {state.phase === 'analysing' || state.phase === 'done' ? (
            <AnalysisPanel state={state} />
          ) : (
            <p className="muted">Starts as soon as the upload is complete.</p>
          )}
          {state.result && (
            <>
              <AnalysisResults result={state.result} />
              <button type="button" className="btn btn--ghost" onClick={reset}>
                Analyse another video
              </button>
            </>
          )}
        </section>

        <footer className="footer">
          A demo of Sightline: this page reports what you do (no file contents) to the Sightline server it
          came from, and shows the help the server sends back.
        </footer>
      </main>
    </TrackingWrapper>
  );
}
