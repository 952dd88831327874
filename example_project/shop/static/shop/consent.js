// The consent page's banner: SessionReplay.consent(true|false) starts or
// stops recording and keeps the choice (docs/install.md).
(() => {
  const status = document.getElementById('consent-status');
  const show = () => {
    const choice = localStorage.getItem('sr:consent');
    status.textContent =
      choice === '1' ? 'Recording is on.' : choice === '0' ? 'Recording is off.' : 'Nothing is recorded until you choose.';
  };
  document.getElementById('consent-yes').addEventListener('click', () => {
    window.SessionReplay.consent(true);
    show();
  });
  document.getElementById('consent-no').addEventListener('click', () => {
    window.SessionReplay.consent(false);
    show();
  });
  show();
})();
