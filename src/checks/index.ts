// Every check, listed by hand (no folder scan) and sorted by id, so that adding one is a visible change.
import type { Check } from './types.ts';
import { check as batchTooLarge } from './batch-too-large.ts';
import { check as cannotOverfitSmallBatch } from './cannot-overfit-small-batch.ts';
import { check as classImbalance } from './class-imbalance.ts';
import { check as configError } from './config-error.ts';
import { check as constantFeature } from './constant-feature.ts';
import { check as constantInitialization } from './constant-initialization.ts';
import { check as dataError } from './data-error.ts';
import { check as deadRelus } from './dead-relus.ts';
import { check as explodingGradients } from './exploding-gradients.ts';
import { check as featureScaleSpread } from './feature-scale-spread.ts';
import { check as hiddenBottleneck } from './hidden-bottleneck.ts';
import { check as initScaleMismatch } from './init-scale-mismatch.ts';
import { check as initialLossOff } from './initial-loss-off.ts';
import { check as inputIndependent } from './input-independent.ts';
import { check as internalError } from './internal-error.ts';
import { check as labelEncodingMismatch } from './label-encoding-mismatch.ts';
import { check as learningRateTooHigh } from './learning-rate-too-high.ts';
import { check as learningRateTooLow } from './learning-rate-too-low.ts';
import { check as lossNotDecreasing } from './loss-not-decreasing.ts';
import { check as missingHiddenActivation } from './missing-hidden-activation.ts';
import { check as missingValues } from './missing-values.ts';
import { check as noRegularization } from './no-regularization.ts';
import { check as noValidationData } from './no-validation-data.ts';
import { check as nonFiniteLoss } from './non-finite-loss.ts';
import { check as nonNumericFeature } from './non-numeric-feature.ts';
import { check as outputActivationMismatch } from './output-activation-mismatch.ts';
import { check as outputUnitsMismatch } from './output-units-mismatch.ts';
import { check as overRegularized } from './over-regularized.ts';
import { check as overfittingGap } from './overfitting-gap.ts';
import { check as saturatedActivations } from './saturated-activations.ts';
import { check as smokeSkipped } from './smoke-skipped.ts';
import { check as targetOutOfActivationRange } from './target-out-of-activation-range.ts';
import { check as tooDeep } from './too-deep.ts';
import { check as tooFewHiddenUnits } from './too-few-hidden-units.ts';
import { check as trainValidationOverlap } from './train-validation-overlap.ts';
import { check as trainingImprovement } from './training-improvement.ts';
import { check as trainingRegression } from './training-regression.ts';
import { check as unscaledInputs } from './unscaled-inputs.ts';
import { check as unscaledTargets } from './unscaled-targets.ts';
import { check as validationDistributionShift } from './validation-distribution-shift.ts';
import { check as vanishingGradients } from './vanishing-gradients.ts';

export const checks: Check[] = [
  batchTooLarge,
  cannotOverfitSmallBatch,
  classImbalance,
  configError,
  constantFeature,
  constantInitialization,
  dataError,
  deadRelus,
  explodingGradients,
  featureScaleSpread,
  hiddenBottleneck,
  initScaleMismatch,
  initialLossOff,
  inputIndependent,
  internalError,
  labelEncodingMismatch,
  learningRateTooHigh,
  learningRateTooLow,
  lossNotDecreasing,
  missingHiddenActivation,
  missingValues,
  noRegularization,
  noValidationData,
  nonFiniteLoss,
  nonNumericFeature,
  outputActivationMismatch,
  outputUnitsMismatch,
  overRegularized,
  overfittingGap,
  saturatedActivations,
  smokeSkipped,
  targetOutOfActivationRange,
  tooDeep,
  tooFewHiddenUnits,
  trainValidationOverlap,
  trainingImprovement,
  trainingRegression,
  unscaledInputs,
  unscaledTargets,
  validationDistributionShift,
  vanishingGradients,
];

export const checksById: Map<string, Check> = new Map(checks.map((c) => [c.meta.id, c]));
