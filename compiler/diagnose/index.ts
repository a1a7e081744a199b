/**
 * Troubleshooting, compiler side: recognise a troubleshooting question, turn the
 * observation layer's findings into a fix made of state files, and put the findings into
 * the LLM context. It reads facts only through what the CLI passes in; it never observes.
 */
export { desiredServices } from './desired.js';
export { proposeFix, movePort, setMemory, sizeText, FixError, type FixOption, type FixProposal } from './fix.js';
export { troubleshootingRequest, serviceFromMessage, type TroubleshootingRequest, type ServiceRef } from './intent.js';
export { findingsContext } from './context.js';
