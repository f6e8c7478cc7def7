// Tailwind 4 runs as a PostCSS plugin; app/globals.css pulls it in with `@import "tailwindcss"`.
const config = {
  plugins: { "@tailwindcss/postcss": {} },
};

export default config;
