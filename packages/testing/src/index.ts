export { readmeExamples, runReadmeExamples } from "./readme-examples.js";
export { pluginsFolder, watPlugin, writePlugin } from "./wat-plugins.js";
export type { TestPlugin, WatPluginOptions } from "./wat-plugins.js";
export { removeTemporaryFolders, temporaryFolder } from "./temporary-folders.js";
