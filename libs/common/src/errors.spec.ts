import { NotFoundError } from './errors';

describe('NotFoundError', () => {
  it('makes a code of the resource name with no space in it, whatever the name', () => {
    expect(new NotFoundError('env var', 'API_KEY').code).toBe('ENV_VAR_NOT_FOUND');
    expect(new NotFoundError('project').code).toBe('PROJECT_NOT_FOUND');
    expect(new NotFoundError(' build  cache-entry ').code).toBe('BUILD_CACHE_ENTRY_NOT_FOUND');
  });

  it('names the resource and the id in its message', () => {
    expect(new NotFoundError('env var', 'API_KEY').message).toBe('env var API_KEY was not found');
  });
});
