// Which activations behave alike, by what they do to the signal. Each set has one meaning; checks (init
// and depth rules) and the engine's probes take the one they mean.

/** ReLU-like activations (unbounded above, near-linear for positive inputs): He initialization fits them. */
export const RELU_FAMILY = new Set(['relu', 'leaky_relu', 'relu6', 'elu', 'gelu', 'swish', 'softplus']);
/** Bounded activations whose gradient fades for large inputs: Glorot initialization fits them, and deep stacks of them vanish. */
export const SATURATING = new Set(['sigmoid', 'tanh', 'hard_sigmoid', 'softsign']);

/** Activations that output exactly 0 for every negative input, so a unit can die (never active): the dead-unit probe. */
export const DYING_ACTIVATIONS = new Set(['relu', 'relu6']);
/** Activations that are flat beyond a pre-activation of +-5: the saturation probe. */
export const HARD_SATURATING = new Set(['sigmoid', 'tanh', 'hard_sigmoid']);
