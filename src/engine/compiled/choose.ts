// Which training step a run uses: the compiled one (one forward + backward + update program over
// preallocated Float32Arrays, compiled-step.ts) or TF.js's. `auto` takes the compiled step whenever the
// model, loss and optimizer are all ones it implements, and TF.js otherwise; the reason is recorded.
export type StepEngineChoice = 'auto' | 'tfjs' | 'compiled';
export type StepEngine = 'compiled' | 'tfjs';
