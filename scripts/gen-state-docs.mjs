export function renderStateDocs(root) { return '# placeholder\n'; }
