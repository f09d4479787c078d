// Each activation family has one meaning; the narrow probe sets sit inside the broad families they belong to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DYING_ACTIVATIONS, HARD_SATURATING, RELU_FAMILY, SATURATING } from '../../src/model/activation-families.ts';
import { RELU_FAMILY as CHECKS_RELU_FAMILY, SATURATING as CHECKS_SATURATING } from '../../src/checks/shared.ts';

test('the checks read the same families, not copies', () => {
  assert.equal(CHECKS_RELU_FAMILY, RELU_FAMILY);
  assert.equal(CHECKS_SATURATING, SATURATING);
});

test('a unit can die only under a ReLU-like activation, and the saturation probe only watches saturating ones', () => {
  for (const name of DYING_ACTIVATIONS) assert.ok(RELU_FAMILY.has(name), name);
  for (const name of HARD_SATURATING) assert.ok(SATURATING.has(name), name);
  // leaky_relu and elu keep a gradient below zero, so their units do not die
  assert.equal(DYING_ACTIVATIONS.has('leaky_relu'), false);
  assert.equal(DYING_ACTIVATIONS.has('elu'), false);
  for (const name of RELU_FAMILY) assert.equal(SATURATING.has(name), false, name);
});
