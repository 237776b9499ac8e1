// The `libretranslate` npm client (1.0.1) against parley serve:
//   node tests/npm/libretranslate.js http://127.0.0.1:PORT
// It reads /languages to check the codes, then POSTs /translate as JSON.
"use strict";
const { translate } = require("libretranslate");
const url = process.argv[2];
(async () => {
  const es = await translate({ query: "The dog is black.", source: "en", target: "es", apiurl: url });
  const en = await translate({ query: "El perro es negro.", source: "es", target: "en", apiurl: url });
  const arr = await translate({ query: ["Hello", "The cat"], source: "en", target: "es", apiurl: url });
  console.log(JSON.stringify([es, en, arr]));
  const want = JSON.stringify(["El perro es negro.", "The dog is black.", ["Hola", "El gato"]]);
  process.exit(JSON.stringify([es, en, arr]) === want ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
