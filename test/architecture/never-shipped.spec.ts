import { isNeverUploaded, NEVER_SHIPPED } from '@deploysphere/sdk';
import { IGNORE_FILE, NEVER_PUBLISHED, PublishRules } from '@deploysphere/storage';

/**
 * What the SDK (and so the CLI) never uploads and what the platform never publishes from a
 * build's output name the same credentials files, version-control data and OS litter. The SDK
 * is published alone and cannot import the platform's list: this spec holds the two equal.
 * `.deploysphereignore` is the one difference: it is source (the build reads it), never served.
 */
describe('never uploaded (SDK) and never published (platform)', () => {
  const published = NEVER_PUBLISHED.filter((name) => name !== IGNORE_FILE);

  it('name the same entries', () => {
    expect([...NEVER_SHIPPED].sort()).toEqual([...published].sort());
  });

  it('give every such name the same verdict, as a file or a directory, at the root and deeper', () => {
    const rules = PublishRules.forDirectory('/nonexistent');
    const concrete = (name: string) => name.replace('*', 'production');
    for (const name of published.map(concrete)) {
      for (const path of [name, `site/${name}`, `a/b/${name}`]) {
        expect([path, isNeverUploaded(path)]).toEqual([path, rules.verdict(path, false) === 'never-published']);
        expect([`${path}/`, isNeverUploaded(`${path}/`)]).toEqual([`${path}/`, rules.verdict(path, true) === 'never-published']);
        expect([`${path}/inner`, isNeverUploaded(`${path}/inner`)]).toEqual([`${path}/inner`, rules.verdict(`${path}/inner`, false) === 'never-published']);
      }
    }
    for (const path of ['index.html', '.well-known/security.txt', '.envrc', 'docker/config.json', 'aws.txt']) {
      expect([path, isNeverUploaded(path), rules.verdict(path, false)]).toEqual([path, false, 'publish']);
    }
  });
});
