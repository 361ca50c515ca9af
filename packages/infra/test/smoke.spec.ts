import { expect, it } from 'vitest';
import { MINIMAL, synth } from './synth.testing.js';

it('synthesizes the minimal configuration', () => {
  const { app } = synth(MINIMAL);
  app.resourceCountIs('AWS::Lambda::Function', 4);
  expect(true).toBe(true);
});
