import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

// Every icon comes from the one SVG; maskable and Apple icons get the brand colour behind the
// glyph so launchers that crop to a circle or squircle never show a transparent corner.
const brandBackground = { background: '#2f6fed', fit: 'contain' as const };

export default defineConfig({
	headLinkOptions: { preset: '2023' },
	preset: {
		...minimal2023Preset,
		maskable: { sizes: [512], padding: 0.3, resizeOptions: brandBackground },
		apple: { sizes: [180], padding: 0.3, resizeOptions: brandBackground }
	},
	images: ['static/favicon.svg']
});
