import { newId } from './ids';
import { previewLabel } from './preview-label';

describe('previewLabel', () => {
  it('is the whole 26-character id part and the slug', () => {
    expect(previewLabel('dpl_01jd8x3k9m2f4q7r8s9t0v1w2x', 'shop')).toBe('01jd8x3k9m2f4q7r8s9t0v1w2x-shop');
  });

  it('cuts a long slug so the label fits in 63 characters, without a trailing hyphen', () => {
    const label = previewLabel(newId('dpl'), 'a'.repeat(35) + '-tail-of-a-long-project-name');
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(/^[0-9a-z]{26}-a{35}$/);
    expect(previewLabel(newId('dpl'), 'b'.repeat(48))).toHaveLength(63);
  });
});
