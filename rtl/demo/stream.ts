// A valid/ready stream: the producer drives valid and data, the consumer drives ready; a word moves in a
// cycle where both valid and ready are high (the AXI-Stream/Decoupled handshake).
import { defineBundle, inp, out } from '../../sim/index.ts';

export const Stream16 = defineBundle('stream16', {
  valid: out(1),
  ready: inp(1),
  data: out(16),
});
