// poster.js of the static files: sizes the poster frame as soon as it runs,
// long before the player's bundle is in.
import { fitPoster } from './poster.js';

fitPoster(document);
