import { useId, useRef, useState, type DragEvent } from 'react';
import { bytes } from '../lib/format';
import { filesFromDrop, filesFromInput, selectFiles, type PickedFile } from '../lib/source-upload';

/**
 * A drop zone for a folder, with a button that opens the folder picker (keyboard users). It
 * hands over the files a deploy uploads (the CLI's ignore rules applied) and the folder's name.
 */
export function FolderDrop({ onFiles, disabled }: { onFiles: (files: PickedFile[], folder: string, skipped: number) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();
  const take = async (all: PickedFile[], folder: string) => {
    const kept = await selectFiles(all);
    onFiles(kept, folder, all.length - kept.length);
  };
  const drop = async (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const first = event.dataTransfer.items[0]?.webkitGetAsEntry();
    await take(await filesFromDrop(event.dataTransfer), first?.isDirectory ? first.name : 'site');
  };
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void drop(e)}
      data-testid="dropzone"
    >
      <p>Drop a folder here to deploy it</p>
      <p className="muted">.gitignore and .deploysphereignore apply; .env files, .git and node_modules are never uploaded.</p>
      <input
        ref={input}
        id={id}
        type="file"
        className="sr-only"
        aria-label="Folder to deploy"
        tabIndex={-1}
        multiple
        disabled={disabled}
        // Folder selection; React does not know the attribute by name.
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const list = e.target.files;
          if (!list || list.length === 0) return;
          const folder = (list[0].webkitRelativePath || '').split('/')[0] || 'site';
          void take(filesFromInput(list), folder);
          e.target.value = '';
        }}
        data-testid="folder-input"
      />
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        Choose a folder…
      </button>
    </div>
  );
}

export function UploadProgressBar({ phase, loaded, total }: { phase: string; loaded: number; total: number }) {
  return (
    <div className="progress" role="status" aria-live="polite">
      <label>
        {phase === 'packing' ? 'Packing' : 'Uploading'} {bytes(loaded)} of {bytes(total)}
        <progress max={total || 1} value={loaded} />
      </label>
    </div>
  );
}
