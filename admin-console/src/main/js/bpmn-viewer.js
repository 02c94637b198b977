// Entry point bundled by esbuild into console/vendor/bpmn-viewer.js: exposes bpmn-js's navigated viewer
// as window.TouchpointBpmn.Viewer for the journey page.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export const Viewer = NavigatedViewer;
