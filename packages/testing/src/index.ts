export { readmeExamples, runReadmeExamples } from "./readme-examples.js";
