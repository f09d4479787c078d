// The sticky comment belongs to the account the token acts as: a comment someone else writes with the
// marker is never edited nor read (its "previous findings" state included), a comment of ours that only
// quotes a marker is not taken for the comment of that key, and a marker that arrives in a column or layer
// name is neutralised, so no report carries another job's marker. Runs the bundled action against the
// fake GitHub server (`npm run build` first).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FakeGitHub, type FakeComment, type FakeFile } from './fake-github/server.ts';
import { addedFilePatch, makeWorkspace, OWNER, pullRequestEvent, REPO, REPO_ROOT, runAction, SOFTMAX_CONFIG } from './harness.ts';

const HEAD = 'a'.repeat(40);
const MERGE = 'c'.repeat(40);
const MARKER = '<!-- nn-preflight:preflight -->';
const BOT = { login: 'github-actions[bot]', type: 'Bot' };
const MALLORY = { login: 'mallory', type: 'User' };
const PAT = 'ghp_alice_personal_token';

before(() => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist/index.js')), 'dist/index.js is missing: run `npm run build` first');
});

function pullWith(number: number, workspace: string, config: string): { files: FakeFile[]; event: ReturnType<typeof pullRequestEvent> } {
  const content = readFileSync(path.join(workspace, config), 'utf8');
  const files: FakeFile[] = [{ filename: config, status: 'added', patch: addedFilePatch(content) }];
  return { files, event: pullRequestEvent(number, HEAD, `${OWNER}/${REPO}`, files.length) };
}

const workspace = makeWorkspace();
// A column and a layer named like markers: one of another job (gpu), one of this job (preflight).
writeFileSync(
  path.join(workspace, 'models/data/marker.csv'),
  ['x1,<!-- nn-preflight:gpu -->,y', ...Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${i * 1000},${i % 2}`)].join('\n') + '\n',
);
const MARKER_CONFIG = 'models/marker.preflight.yml';
writeFileSync(
  path.join(workspace, MARKER_CONFIG),
  [
    'version: 1',
    'name: marker-names',
    'data:',
    '  train: data/marker.csv',
    '  targets: [y]',
    'model:',
    '  layers:',
    '    - {type: dense, units: 8, activation: relu, name: "`<!-- nn-preflight:preflight -->`"}',
    '    - {type: dense, units: 1, activation: sigmoid}',
    'training:',
    '  loss: binary_crossentropy',
    '',
  ].join('\n'),
);

const pulls = [
  { number: 31, config: SOFTMAX_CONFIG },
  { number: 32, config: 'models/sound.preflight.yml' },
  { number: 33, config: SOFTMAX_CONFIG },
  { number: 34, config: MARKER_CONFIG },
].map(({ number, config }) => ({ number, config, ...pullWith(number, workspace, config) }));

const server = new FakeGitHub({
  owner: OWNER,
  repo: REPO,
  pulls: pulls.map((p) => ({ number: p.number, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open' as const, files: p.files })),
  userTokens: { [PAT]: 'alice' },
});
before(() => server.start());
after(() => server.stop());

function run(number: number, token?: string) {
  const pull = pulls.find((p) => p.number === number)!;
  return runAction({
    apiUrl: server.url,
    workspace,
    eventName: 'pull_request',
    event: pull.event,
    sha: MERGE,
    ref: `refs/pull/${number}/merge`,
    inputs: { 'fail-on': 'never' },
    ...(token ? { token } : {}),
  });
}

function patchedIds(): number[] {
  return server.requests.filter((r) => r.method === 'PATCH').map((r) => Number(r.path.split('/').at(-1)));
}

test('a marker comment by another user is neither edited nor taken: the bot edits its own, older comment', async () => {
  const own: FakeComment = { id: 1, body: `${MARKER}\n<!-- nn-preflight-state:findings=1;failing=1 -->\nold report`, user: BOT };
  const forged: FakeComment = { id: 2, body: `${MARKER}\nreport by mallory`, user: MALLORY };
  server.issueComments.set(31, [own, { ...forged }]);
  const result = await run(31);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const comments = server.issueComments.get(31)!;
  assert.equal(comments.length, 2, 'no new comment: the bot found its own');
  assert.deepEqual(comments[1], forged, "mallory's comment is untouched");
  assert.deepEqual(patchedIds(), [1]);
  assert.ok(comments[0].body.startsWith(MARKER));
  assert.match(comments[0].body, /output-activation-mismatch/);
});

test('without a comment of its own the bot posts a new one, and a forged state never makes it say "fixed"', async () => {
  const before = patchedIds().length;
  // The forged comment claims failing findings; the sound config has none, so a forged state would say "Fixed".
  const forged: FakeComment = { id: 3, body: `${MARKER}\n<!-- nn-preflight-state:findings=9;failing=9 -->\nforged`, user: MALLORY };
  // Our own comment for another key that quotes this key's marker inside its text.
  const otherJob: FakeComment = { id: 4, body: `<!-- nn-preflight:gpu -->\nsee \`${MARKER}\``, user: BOT };
  server.issueComments.set(32, [{ ...forged }, { ...otherJob }]);
  const result = await run(32);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const comments = server.issueComments.get(32)!;
  assert.equal(patchedIds().length, before, 'nothing edited');
  assert.deepEqual(comments.slice(0, 2), [forged, otherJob]);
  assert.equal(comments.length, 3);
  const mine = comments[2];
  assert.deepEqual(mine.user, BOT);
  assert.ok(mine.body.startsWith(MARKER));
  assert.doesNotMatch(mine.body, /\[!TIP\]|fixed/i);
});

test("a personal token acts as its user (GET /user): that user's comment is edited, the Actions bot's is not", async () => {
  const asBot: FakeComment = { id: 5, body: `${MARKER}\nfrom GITHUB_TOKEN`, user: BOT };
  const asAlice: FakeComment = { id: 6, body: `${MARKER}\nfrom alice's token`, user: { login: 'Alice', type: 'User' } };
  server.issueComments.set(33, [asAlice, { ...asBot }]);
  const patchesBefore = patchedIds().length;
  const result = await run(33, PAT);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/user' && r.token === PAT));
  assert.deepEqual(patchedIds().slice(patchesBefore), [6]);
  assert.deepEqual(server.issueComments.get(33)![1], asBot);
});

test('markers in column and layer names are neutralised in the comment and the job summary', async () => {
  server.issueComments.set(34, []);
  const result = await run(34);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const [comment] = server.issueComments.get(34)!;
  assert.ok(comment.body.startsWith(MARKER));
  // Only our own two hidden comments: the marker and the state.
  const markers = comment.body.match(/<!--\s*nn-preflight[^>]*-->/g) ?? [];
  assert.deepEqual(markers, [MARKER, markers[1]]);
  assert.match(markers[1] ?? '', /^<!-- nn-preflight-state:/);
  assert.match(comment.body, /nn-preflight:gpu/, 'the name is still shown');
  assert.doesNotMatch(result.summary, /<!--\s*nn-preflight:(gpu|preflight)/);
});
