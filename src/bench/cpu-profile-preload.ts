// Loaded into a benchmark's server with `node --import` through NODE_OPTIONS, which cannot carry
// --cpu-prof: profiles the whole process and writes a .cpuprofile (Chrome DevTools format) at exit.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { CPU_PROFILE_FILE_VARIABLE } from './cpu-profile-env.js';

const file = process.env[CPU_PROFILE_FILE_VARIABLE];
if (file !== undefined && file !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // An in-process inspector session answers synchronously, so the profile is written before exit.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error === null) writeFileSync(file, JSON.stringify(result.profile));
      else process.stderr.write(`cannot write CPU profile ${file}: ${error.message}\n`);
    });
  });
}
