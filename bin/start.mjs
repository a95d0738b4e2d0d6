// `npm start`: the app (Electron where installed, else web mode), compiled from dist/ when it is
// up to date (`npm run build`), and from the TypeScript sources through tsx otherwise.
import { launch } from './launch.mjs';

await launch('start');
