import { NavLink } from 'react-router';

export function ProjectNav({ projectId }: { projectId: string }) {
  return (
    <nav className="tabs" aria-label="Project">
      <NavLink to={`/projects/${projectId}`} end>
        Deployments
      </NavLink>
      <NavLink to={`/projects/${projectId}/analytics`}>Analytics</NavLink>
      <NavLink to={`/projects/${projectId}/settings`}>Settings</NavLink>
    </nav>
  );
}
