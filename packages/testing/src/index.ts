export { readmeExamples, runReadmeExamples } from "./readme-examples.js";
export { CACHE_KEY_K, CACHE_STRING_IMPORTS, mbidRequiresCachedK, pluginsFolder, watPlugin, writePlugin } from "./wat-plugins.js";
export type { TestPlugin, WatPluginOptions } from "./wat-plugins.js";
export { removeTemporaryFolders, temporaryFolder } from "./temporary-folders.js";
export { REQUIRE_GO_VARIABLE, goAvailableFor } from "./go-toolchain.js";
export type { GoCompiler } from "./go-toolchain.js";
export { GEN2_ECHO, gen2Plugin, gen2WatPlugin, watModule } from "./gen2-wat-plugins.js";
export type { Gen2WatOptions } from "./gen2-wat-plugins.js";
