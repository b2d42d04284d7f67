import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api } from './api';
import { startLive } from './stores/live';
import { App } from './App';

startLive(api);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
