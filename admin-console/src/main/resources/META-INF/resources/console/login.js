// The sign-in page: fetches the CSRF token for the form and says why the user is here.
const params = new URLSearchParams(location.search);
const message = document.getElementById('message');
if (params.has('error')) {
  message.textContent = 'Wrong user or password.';
  message.hidden = false;
} else if (params.has('signed-out')) {
  message.textContent = 'You are signed out.';
  message.hidden = false;
}
fetch('/api/console/session').then(r => r.json()).then(session => {
  if (session.user) { location.href = '/console/'; return; }
  const field = document.getElementById('csrf');
  field.name = session.csrf.parameter;
  field.value = session.csrf.token;
});
