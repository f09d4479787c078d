// `watch:` globs: files outside the config's data and model (the training script, the model's source)
// whose change on a pull request re-checks the config, so a config cannot drift from the code it mirrors.
import picomatch from 'picomatch';

/** Which of `globs` a repository path matches (the first), or undefined. Dotfiles match too. */
export function watchMatcher(globs: readonly string[]): (repoPath: string) => string | undefined {
  const tests = globs.map((glob) => ({ glob, test: picomatch(glob, { dot: true }) }));
  return (repoPath) => tests.find((t) => t.test(repoPath))?.glob;
}
