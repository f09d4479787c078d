import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locate, parentKeyPath, replaceValue, setFlowMapValue } from '../../src/checks/locate.ts';
import { parseYamlWithRanges } from '../../src/config/yaml-source.ts';
import type { ConfigSource } from '../../src/config/types.ts';

function sourceOf(text: string): ConfigSource {
  const parsed = parseYamlWithRanges(text, 'x.preflight.yml', { maxAliases: 10, maxDepth: 20 });
  assert.ok(parsed.ok);
  return { file: 'x.preflight.yml', text, lines: text.split('\n'), ranges: parsed.parsed.ranges };
}

const TEXT = [
  'version: 1',
  'model:',
  '  layers:',
  '    - {type: dense, units: 64}',
  '    - {type: dense, units: 1, activation: softmax}   # output',
  '    - type: dense',
  '      units: 8',
  'training:',
  '  learning_rate: 3.0  # too high',
  '  optimizer: {name: sgd, momentum: 0.9}',
  '',
].join('\n');

describe('parentKeyPath', () => {
  it('walks dots and brackets', () => {
    assert.equal(parentKeyPath('model.layers[3].activation'), 'model.layers[3]');
    assert.equal(parentKeyPath('model.layers[3]'), 'model.layers');
    assert.equal(parentKeyPath('model'), '');
  });
});

describe('locate', () => {
  const source = sourceOf(TEXT);
  it('finds a present key on its own line', () => {
    assert.deepEqual(locate(source, 'training.learning_rate'), { line: 9, column: 3 });
  });
  it('walks up to the nearest existing parent', () => {
    assert.equal(locate(source, 'training.batch_size')?.line, 8);
    assert.equal(locate(source, 'model.layers[0].activation')?.line, 4);
  });
  it('returns undefined when nothing on the path exists', () => {
    assert.equal(locate(source, 'smoke.steps'), undefined);
  });
});

describe('replaceValue', () => {
  const source = sourceOf(TEXT);
  it('replaces a block-style value and keeps the comment', () => {
    assert.deepEqual(replaceValue(source, 'training.learning_rate', '0.01'), { line: 9, replacement: '  learning_rate: 0.01  # too high' });
  });
  it('replaces a value inside a flow map', () => {
    assert.deepEqual(replaceValue(source, 'model.layers[1].activation', 'sigmoid'), {
      line: 5,
      replacement: '    - {type: dense, units: 1, activation: sigmoid}   # output',
    });
  });
  it('replaces a nested flow value', () => {
    assert.equal(replaceValue(source, 'training.optimizer.momentum', '0.5')?.replacement, '  optimizer: {name: sgd, momentum: 0.5}');
  });
  it('gives nothing for an absent key or a multi-line value', () => {
    assert.equal(replaceValue(source, 'training.batch_size', '16'), undefined);
    assert.equal(replaceValue(source, 'model.layers[2]', '{}'), undefined);
  });
});

describe('setFlowMapValue', () => {
  const source = sourceOf(TEXT);
  it('appends a missing key before the closing brace', () => {
    assert.deepEqual(setFlowMapValue(source, 'model.layers[0]', 'activation', 'relu'), {
      line: 4,
      replacement: '    - {type: dense, units: 64, activation: relu}',
    });
  });
  it('replaces a key that is there', () => {
    assert.equal(
      setFlowMapValue(source, 'model.layers[1]', 'activation', 'sigmoid')?.replacement,
      '    - {type: dense, units: 1, activation: sigmoid}   # output',
    );
  });
  it('does not touch a block-style map', () => {
    assert.equal(setFlowMapValue(source, 'model.layers[2]', 'activation', 'relu'), undefined);
  });
});
