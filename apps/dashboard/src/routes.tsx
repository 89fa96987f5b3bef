import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { Layout } from './components/layout';
import { Loading } from './components/loading';
import { SessionProvider } from './lib/session';
import { InvitePage } from './pages/invite.page';
import { NotFoundPage } from './pages/not-found.page';
import { ProjectPage } from './pages/project.page';
import { ProjectsPage } from './pages/projects.page';
import { SetupPage } from './pages/setup.page';
import { SignInPage } from './pages/sign-in.page';

// Pages a first visit to the projects list does not need load on demand (bench/dashboard budget).
const DeploymentPage = lazy(() => import('./pages/deployment.page'));
const SettingsPage = lazy(() => import('./pages/settings.page'));
const AnalyticsPage = lazy(() => import('./pages/analytics.page'));
const TeamPage = lazy(() => import('./pages/team.page'));
const AccountPage = lazy(() => import('./pages/account.page'));

const later = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

// Top-level paths here are the api's DASHBOARD_ROUTES (apps/api/src/dashboard): only they get the page.
export const router = createBrowserRouter([
  {
    element: <SessionProvider />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/setup', element: <SetupPage /> },
      { path: '/invite/:token', element: <InvitePage /> },
      {
        element: <Layout />,
        children: [
          { path: '/', element: <ProjectsPage /> },
          { path: '/projects/:projectId', element: <ProjectPage /> },
          { path: '/projects/:projectId/settings', element: later(<SettingsPage />) },
          { path: '/projects/:projectId/analytics', element: later(<AnalyticsPage />) },
          { path: '/deployments/:deploymentId', element: later(<DeploymentPage />) },
          { path: '/team', element: later(<TeamPage />) },
          { path: '/account', element: later(<AccountPage />) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
