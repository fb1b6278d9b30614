import { type ChangeEvent, useId } from 'react';
import { formatSize, MAX_VIDEO_BYTES } from '../lib/video-file';

interface Props {
  file: File | null;
  disabled: boolean;
  onFile(file: File | undefined): void;
}

/** Step 1: a real file input (keyboard and screen-reader friendly) styled as a drop zone. */
export function FilePicker({ file, disabled, onFile }: Props) {
  const id = useId();
  const change = (event: ChangeEvent<HTMLInputElement>) => {
    onFile(event.target.files?.[0]);
    // Picking the same file again still fires change.
    event.target.value = '';
  };
  return (
    <div className="picker">
      <input
        id={id}
        className="picker__input"
        type="file"
        accept="video/*,.mkv,.avi"
        disabled={disabled}
        onChange={change}
        data-testid="file-input"
      />
      <label htmlFor={id} className={`picker__zone${disabled ? ' picker__zone--disabled' : ''}`}>
        <span className="picker__icon" aria-hidden="true">
          ▶
        </span>
        {file ? (
          <span>
            <strong>{file.name}</strong> · {formatSize(file.size)}
            <br />
            <small>Choose another file</small>
          </span>
        ) : (
          <span>
            <strong>Choose a video</strong>
            <br />
            <small>MP4, MOV, WebM, MKV or AVI · up to {formatSize(MAX_VIDEO_BYTES)}</small>
          </span>
        )}
      </label>
    </div>
  );
}
