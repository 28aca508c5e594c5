// Worker-thread bootstrap: registers tsx's loader in this thread, then loads the TypeScript worker (the project
// runs its sources directly, with no build step).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
