import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page here. <Link to="/">Back to the projects</Link>.
      </p>
    </>
  );
}
