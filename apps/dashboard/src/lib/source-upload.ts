import { DeploySphereError, IGNORE_FILES, selectSourcePaths } from '@deploysphere/sdk/browser';
import { readCsrf, actingTeam, type Deployment } from './api';
import { createTar, gzip } from './tar';

export interface PickedFile {
  /** Relative to the dropped folder, forward slashes. */
  path: string;
  file: File;
}

export interface UploadProgress {
  phase: 'packing' | 'uploading';
  loaded: number;
  total: number;
}

/** The files of a folder chosen with `<input webkitdirectory>` (paths start with the folder's name). */
export function filesFromInput(list: FileList): PickedFile[] {
  return stripRoot([...list].map((file) => ({ path: file.webkitRelativePath || file.name, file })));
}

/** The files of a folder dropped on the page (directory entries walked recursively). */
export async function filesFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: PickedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push({ path: `${prefix}${entry.name}`, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return stripRoot(files);
}

/** One dropped folder: its contents are the source, not the folder itself. */
function stripRoot(files: PickedFile[]): PickedFile[] {
  const roots = new Set(files.map((f) => f.path.split('/')[0]));
  if (roots.size !== 1 || files.some((f) => !f.path.includes('/'))) return files;
  return files.map((f) => ({ ...f, path: f.path.slice(f.path.indexOf('/') + 1) }));
}

/** The files a deploy uploads: the same rules as the CLI (.gitignore, .deploysphereignore, the never-uploaded list). */
export async function selectFiles(files: readonly PickedFile[]): Promise<PickedFile[]> {
  const ignoreTexts = new Map<string, string>();
  for (const f of files) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    if ((IGNORE_FILES as readonly string[]).includes(name)) ignoreTexts.set(f.path, await f.file.text());
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  return selectSourcePaths([...byPath.keys()], (path) => ignoreTexts.get(path)).map((path) => byPath.get(path)!);
}

/** A gzipped tar of the files. */
export async function packFiles(files: readonly PickedFile[], onProgress: (p: UploadProgress) => void): Promise<Uint8Array> {
  const total = files.reduce((n, f) => n + f.file.size, 0);
  let loaded = 0;
  const entries = [];
  for (const f of files) {
    entries.push({ path: f.path, data: new Uint8Array(await f.file.arrayBuffer()), mtime: f.file.lastModified });
    loaded += f.file.size;
    onProgress({ phase: 'packing', loaded, total });
  }
  return gzip(createTar(entries));
}

/**
 * Uploads an archive as a new deployment of the project. XMLHttpRequest, not fetch: only it
 * reports upload progress.
 */
export function uploadArchive(projectId: string, archive: Uint8Array, target: 'PRODUCTION' | 'PREVIEW', onProgress: (p: UploadProgress) => void): Promise<Deployment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/projects/${encodeURIComponent(projectId)}/deployments?target=${target}`);
    xhr.setRequestHeader('Content-Type', 'application/gzip');
    const csrf = readCsrf();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    const team = actingTeam.get();
    if (team) xhr.setRequestHeader('X-DeploySphere-Team', team);
    xhr.upload.onprogress = (e) => onProgress({ phase: 'uploading', loaded: e.loaded, total: e.lengthComputable ? e.total : archive.length });
    xhr.onerror = () => reject(new Error('The upload failed: the connection was lost'));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as Deployment);
      else DeploySphereError.fromResponse(response).then(reject, reject);
    };
    xhr.send(new Blob([archive as BlobPart], { type: 'application/gzip' }));
  });
}
