// Picks the page module named by <body data-page> and renders it into <main>.
const page = document.body.dataset.page;
for (const link of document.querySelectorAll('[data-nav]')) {
  if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
}
const main = document.getElementById('main');
try {
  const module = await import(`./pages/${page}.js`);
  await module.render(main);
} catch (error) {
  main.replaceChildren();
  const p = document.createElement('p');
  p.className = 'error';
  p.setAttribute('role', 'alert');
  p.textContent = `This page could not be loaded: ${error.message}`;
  main.append(p);
}
main.dataset.ready = 'true';
