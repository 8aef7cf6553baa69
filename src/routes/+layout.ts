// Every page renders in the browser: calls need browser APIs and nothing is worth pre-rendering.
export const ssr = false;
export const prerender = false;
