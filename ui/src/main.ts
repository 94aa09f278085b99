import { html } from 'htm/preact';
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app');
if (root === null) throw new Error('cannot start Vigil UI: element #app is missing from index.html');
render(html`<${App} />`, root);
