// poster.js of the static files: sizes the poster frame as soon as it runs,
// long before the player's bundle is in, and starts the player once the poster
// is in.
import { fitPoster, startPlayerAfterPoster } from './poster.js';

fitPoster(document);
startPlayerAfterPoster(document);
